"""The campaigns dashboard: Streamlit pages over the dbt marts (see README, "Dashboard").

    bash scripts/dashboard.sh          (streamlit run dashboard/app.py on 127.0.0.1 and a free port)

The page is a query parameter, not a path (/?page=abandon-rate; a campaign's own page is
/?page=campaign&campaign=<SdkAppId>:<CampaignId>, linked from every table): every link is then the
app's root, which Streamlit serves without probing sub-paths. The sidebar's filters (app, campaign,
date range) hold on every page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

# views.py sits beside this file; the line above puts its folder on the path.
import views

PAGES = {
    "campaigns": ("Campaigns", views.overview),
    "abandon-rate": ("Abandon rate", views.compliance),
    "outcomes": ("Call outcomes", views.outcomes),
    "occupancy": ("Agent occupancy", views.occupancy),
    "auto-callout": ("Auto-callout", views.auto_callout),
    "campaign": ("One campaign", views.campaign),
}

st.set_page_config(page_title="CCC campaigns", page_icon="📞", layout="wide")
if "page" not in st.session_state:
    wanted = st.query_params.get("page", "campaigns")
    st.session_state.page = wanted if wanted in PAGES else "campaigns"
st.sidebar.radio("Page", list(PAGES), format_func=lambda key: PAGES[key][0], key="page")
st.query_params["page"] = st.session_state.page
if st.session_state.page != "campaign":
    st.query_params.pop("campaign", None)
views.sidebar_filters()
PAGES[st.session_state.page][1]()
views.footer()
