"""The Streamlit app: thin pages over named queries in warehouse/."""
