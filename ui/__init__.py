"""Streamlit-side helpers shared by the pages (the only package besides pages/ that draws)."""
