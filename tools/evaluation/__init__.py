"""Evaluation: coherence metrics, the overall score, bench suites and the run's report page."""
