"""The one exception every data loader raises for bad input."""


class DataError(ValueError):
    """A dataset file is missing, unreadable or not what its format promises.

    The message always names the file (or directory) and the problem, so a user can fix it
    without reading a traceback.
    """

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
