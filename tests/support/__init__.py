"""Helpers shared by several test modules: builders of small inputs and readers of run output.

Test modules import them as ``from support.<module> import ...`` (pytest puts ``tests/`` on the
import path, next to ``conftest.py``); nothing here is collected as a test.
"""
