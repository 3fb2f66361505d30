"""What every app shares and no domain owns. Imports nothing of the project's apps."""
