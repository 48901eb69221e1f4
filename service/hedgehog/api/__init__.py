"""The HTTP service: `hedgehog.api.main:app`, or `create_app(settings)`."""
