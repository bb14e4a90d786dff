"""The logs an admin reads and keeps: notification, admin and login logs, export, retention.

``notifications`` is the notification log's query (the code log lives in
``services.codes.code_log``), ``admin_logs`` the operation and login logs' filters,
``export.response`` streams any of them as CSV in bounded memory, ``retention.prune``
deletes rows older than the days set per log, and ``overview.overview`` counts the sends of
today and the last 7 days for the admin Overview.
"""
