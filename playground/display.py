"""Display settings shared by the charts and the links: the colour palettes.

Kept apart from the chart builders so that code which only names a palette (a link's
``palette=colorblind``) does not import Plotly's figure code.
"""

from types import MappingProxyType

PALETTES = MappingProxyType({
    # The classic playground's blue and orange, then d3's category colours.
    "classic": ("#0877bd", "#f59322", "#2ca02c", "#d62728", "#9467bd"),
    # Okabe and Ito's colour-blind-safe set.
    "colorblind": ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7"),
})
"""Class colours, class 0 first; for weights, index 0 is negative and index 1 positive."""
