"""The base of every pydantic model in the app."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """A pydantic model whose validators are built on first use, not at import.

    A Lambda cold start imports every route module; building all schemas up front cost more
    than the app's own code otherwise does (see ``make bench``, import app vs its deps).
    """

    model_config = ConfigDict(defer_build=True)
