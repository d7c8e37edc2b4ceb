"""Pure functions that turn core results into Plotly figures (no Streamlit)."""
