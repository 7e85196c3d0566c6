"""What accounts announce to the layers above them, which accounts never imports: each
subscribes from its own AppConfig.ready()."""

from django.dispatch import Signal

# A user was deactivated and the change is committed; sent with `user_id` (the local id). Saving
# the user already drops every cached copy of it; this is for what holds the user for longer, such
# as open event streams.
user_deactivated = Signal()
