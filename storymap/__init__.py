"""storymap: curated trips as animated maps beside quoted sources.

Pipeline: story (YAML → validated model) → locate (geocoding into geodata/) → route → deck → page.
This package never imports Streamlit; app.py is the only Streamlit code.
"""

from storymap.errors import Problem, StoryError, StorymapError

__all__ = ["Problem", "StoryError", "StorymapError"]
