from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from trygg.accounts import urls as account_urls
from trygg.accounts.views import LoginView
from trygg.api.api import api
from trygg.tenants import views as tenant_views
from trygg.tips import urls as tips_urls

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lang/", set_language, name="set_language"),
    path("account/", include(account_urls.urlpatterns)),
    # The public site of a municipality: no login.
    path("kommun/<str:code>/", include("trygg.citizens.public_urls")),
    path("kommun/<str:code>/", include(tips_urls.public_urlpatterns)),
    path("kommun/<str:code>/", include("trygg.surveys.urls_public")),
    path("k/<str:code>/", include("trygg.tenants.urls")),
    path("k/<str:code>/", include(account_urls.tenant_urlpatterns)),
    path("k/<str:code>/", include("trygg.reports.urls")),
    path("k/<str:code>/", include("trygg.areas.urls")),
    path("k/<str:code>/", include("trygg.audit.urls")),
    path("k/<str:code>/", include("trygg.imports.urls")),
    path("k/<str:code>/", include("trygg.police.urls")),
    path("k/<str:code>/", include("trygg.bra.urls")),
    path("k/<str:code>/", include("trygg.picture.urls")),
    path("k/<str:code>/", include("trygg.cycle.urls")),
    path("k/<str:code>/", include("trygg.tips.urls")),
    path("k/<str:code>/", include("trygg.api.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("trygg.api.urls_open311")),
    path("k/<str:code>/", include("trygg.lagesbild.urls")),
    path("k/<str:code>/", include("trygg.walks.urls")),
    path("k/<str:code>/", include("trygg.surveys.urls")),
    path("k/<str:code>/", include("trygg.citizens.urls")),
]
