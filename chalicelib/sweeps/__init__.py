"""Scheduled sweeps: Lambdas that EventBridge runs on a timetable, each with its own light handler.

Nothing here is imported at the API's cold start but these names (``app.py`` declares the schedule).
"""

#: The Lambda that lifts ended bans (``@app.schedule(..., name=BAN_SWEEP_FUNCTION)`` in ``app.py``).
BAN_SWEEP_FUNCTION = "lift_ended_bans"
#: How often it runs, as EventBridge writes it: the default of the stack parameter ``BanSweepSchedule``.
BAN_SWEEP_SCHEDULE = "rate(15 minutes)"
