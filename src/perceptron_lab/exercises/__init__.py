"""Exercise sheets for a class: recipes, hand-computable numbers, solutions, mistakes, grades.

:mod:`.exercise` (what a sheet asks), :mod:`.hand_numbers` (its data, doable by hand),
:mod:`.solved` (solved by the engine, checked against PyTorch), :mod:`.mistakes` (the
known slips, recomputed), :mod:`.grading` (a student's answers against the key, each
wrong one explained by the mistake that reproduces it), :mod:`.answers` (the answer
files a student fills in) and :mod:`.roster` (the class list). Words and layouts are
the views' (:mod:`perceptron_lab.views.sheet`).
"""
