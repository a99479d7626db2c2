"""URLs of the safety app, gathered from its view modules."""

from .views import drills, fire, gate, hazards, patrols

app_name = "safety"

urlpatterns = [*hazards.urlpatterns, *gate.urlpatterns, *patrols.urlpatterns, *fire.urlpatterns, *drills.urlpatterns]
