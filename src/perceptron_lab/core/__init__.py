"""The observed step: closed form, PyTorch's twin, their agreement, the StepRecord."""
