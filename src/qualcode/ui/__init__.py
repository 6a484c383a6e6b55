"""The Streamlit workbench's helpers: strings, safe HTML, cached loaders, small widgets.

Only ``qualcode.ui.state`` and ``qualcode.ui.widgets`` import Streamlit; the other
modules are plain functions that tests call directly.
"""
