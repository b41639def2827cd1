"""Streamlit views of NeuroCanvas: canvas wrapper, inspector, training panel, live dashboard, plots."""
