"""Supervision writes, one module per capability. Each function is one transaction with one
supervision event; refusals raise the domain errors of core.errors, which the views turn into
messages."""
