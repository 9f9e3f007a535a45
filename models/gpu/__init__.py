"""Shared machinery of the GPU shot renderers: settings, memory levels, pipeline loading and reuse."""
