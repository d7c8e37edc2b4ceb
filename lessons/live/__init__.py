"""The live backprop trainer: its per-student session state machine and the pictures' numbers."""
