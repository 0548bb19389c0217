"""Plots the book and the trainer share: sample grids, curves, ipywidgets controls."""
