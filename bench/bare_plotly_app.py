"""The yardstick for the Train page's first paint: a bare page with one Plotly chart.

A 100 x 100 heatmap and 500 scatter points, drawn with st.plotly_chart (bench_train_page.py).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

rng = np.random.default_rng(0)
z = rng.random((100, 100)).astype(np.float32)
points = rng.normal(size=(500, 2)).astype(np.float32)
fig = go.Figure([go.Heatmap(z=z), go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers")])
fig.update_layout(height=440)
st.plotly_chart(fig)
