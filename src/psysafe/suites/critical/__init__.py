"""Critical-conditions suite: responses to suicidal ideation, delusions, mania and more."""
