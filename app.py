"""Neural Network Foundations Playground: the home page (`streamlit run app.py`).

The playgrounds are the scripts in ``pages/`` (Streamlit's classic multipage layout); each
one, like this page, starts with ``ui.frame.page_frame``.
"""

from ui.frame import page_frame
from ui.home import home

page_frame()
home()
