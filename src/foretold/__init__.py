"""foretold: hear the storm before it breaks."""

from foretold.errors import ForetoldError
from foretold.post import Author, Counts, Deletion, Post, Ref

__version__ = "0.1.0"
__all__ = ["Author", "Counts", "Deletion", "ForetoldError", "Post", "Ref", "__version__"]
