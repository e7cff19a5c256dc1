"""What faces people: the FastAPI app, the command line, rendering, and thin workflows."""
