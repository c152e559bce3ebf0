"""Dataset, checks, views and charts for the report on U.S. S&T agreements with Indo-Pacific partners."""

from indopacific_st.dataset import Dataset, load
from indopacific_st.validation import DataError

__all__ = ["DataError", "Dataset", "load"]
