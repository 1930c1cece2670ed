"""The PyQt6 drawing window of textrecog (``textrecog-ui``)."""
