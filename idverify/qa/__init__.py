"""QA fixture suites: the format, the runner, the reports and the suite builder.

Data flow: :mod:`~idverify.qa.suite` loads and validates case folders ->
:mod:`~idverify.qa.runner` starts the server in-process (or takes ``--target``) and runs the
cases on threads through :mod:`~idverify.qa.calls` (request, gRPC call) and
:mod:`~idverify.qa.observe` (response -> plain observation) -> :mod:`~idverify.qa.evaluate`
(expected versus observed, pure) -> reports: :mod:`~idverify.qa.report_json`,
:mod:`~idverify.qa.junit`, :mod:`~idverify.qa.report_html` (plots from
:mod:`~idverify.qa.plots`) -> :mod:`~idverify.qa.compare` for two runs.
:mod:`~idverify.qa.builder` writes the project's own suite. :mod:`~idverify.qa.cli` is
``idverify qa``.
"""

__all__: list[str] = []
