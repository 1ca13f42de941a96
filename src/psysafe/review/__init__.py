"""Clinicians in the loop: blind review of judged replies and human reference replies.

``psysafe review export`` draws a blind, stratified sample of judged replies from psysafe logs
into a batch folder; ``psysafe review serve`` is the local web app raters answer in (SQLite);
``psysafe review results`` measures rater agreement and the judge against the raters, writes a
label file for ``psysafe judge validate`` and judges the raters' own replies as ``human:<batch>``.
"""
