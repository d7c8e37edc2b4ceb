import time
import streamlit as st
from ui import live_chart
t = time.perf_counter()
for i in range(10):
    live_chart._loader(key=f"nn_plotly_bundle{i}")
st.write(f"loader {(time.perf_counter()-t)/10*1e3:.2f} ms")
