from . import qi_rating_ranking_mixin
from . import qi_rating_ranking
from . import qi_rating_staff_ranking
