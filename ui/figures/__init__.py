"""Pure figure builders: plain data (snapshots, probes, data sets) in, plotly figure specs out; no streamlit."""
