"""The Streamlit page: views (each a show()), pure figures, the canvas component, and session state."""
