"""Errors a user can cause: shown as one coloured line, with a traceback only under --debug."""


class InfoscopeError(Exception):
    """A problem the user can fix (bad input, bad option, unreachable database)."""

    exit_code = 1


class UsageError(InfoscopeError):
    """The command line itself is wrong."""

    exit_code = 2
