"""The playground's engine: pure NumPy neural-network building blocks.

Every module is importable on its own; nothing here imports streamlit or plotly.
"""
