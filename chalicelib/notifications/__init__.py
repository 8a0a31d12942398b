"""Notifications and the friends' diary feed: read models fed by the DynamoDB streams."""
