"""The optimizer race: 2-D loss surfaces, their presets, the network race, and summaries."""
