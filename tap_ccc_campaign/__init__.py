"""Singer tap for Tencent Cloud Contact Center predictive-dialing campaigns."""
