"""Health inequalities evidence book for NHS Integrated Care Boards.

The pipeline, in the order data flows: ``sources`` (resolve and verify published files) ->
``load`` (one adapter per published format, validated) -> ``geography`` / ``deprivation`` ->
``stats`` (OHID methods) -> ``figures`` / ``report`` (house style, outputs) -> ``build`` / ``cli``.
"""

__version__ = "0.1.0"
