"""The NumPy experiments behind the playgrounds; no Streamlit, no Plotly, only ``core`` below.

perceptron and datasets (gates, the TensorFlow Playground's sets), activation_study (the
Activations page), live/ (the backprop trainer's session, plane grids, one-step
inspection, stop rules) and race/ (loss surfaces, presets, the network race, summaries).
"""
