"""The lesson harness: the flags every lesson shares, the run folder, the training job,
comparisons of variants, result tables, and the entry point that turns errors into exit codes."""
