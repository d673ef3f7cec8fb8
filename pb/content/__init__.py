"""Round and project texts in several languages, entered by the round's councillors."""
