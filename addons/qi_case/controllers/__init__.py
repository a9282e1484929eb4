from . import portal
from . import public_demand
from . import public_windows
from . import public_ratings
from . import onsite_rating
