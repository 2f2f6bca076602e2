"""A small NumPy training engine for a browser playground that shows a network learn.

The engine (activations, losses, network, optimizers, datasets, training, charts) never imports
Streamlit; only ``playground.ui`` does.
"""
