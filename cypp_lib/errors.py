"""The exceptions cypp raises; the CLI turns each into a message and a non-zero exit."""


class CyppError(Exception):
    """Base class of every error cypp reports to its user."""


class CatalogueError(CyppError):
    """The indicator catalogue is malformed (unknown or missing fields, bad values)."""


class RawDataError(CyppError):
    """A raw file is missing, unreadable, or not in the expected format."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.column = column  # the column concerned, when one can be named


class ValidationFailed(CyppError):
    """Raw data failed one or more Great Expectations checks."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class ParameterError(CyppError):
    """A paper parameter (area, period, comparator set, priority) is invalid."""


class RenderError(CyppError):
    """A notebook failed to execute or render into a paper."""


class PublicationRefused(CyppError):
    """A page about to be published holds something that must never be published."""


class FetchError(CyppError):
    """A download failed or returned something that is not the expected file."""
