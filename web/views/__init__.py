"""One blueprint per file; `BLUEPRINTS` is the list `create_app` registers."""
from web.views import (admin, annotate, api, api_labels, api_projects, articles, auth, classes, compare, curate,
                       dashboard, exports, io, projects, stories, story_admin)

BLUEPRINTS = [auth.bp, stories.bp, compare.bp, annotate.bp, curate.bp, dashboard.bp, classes.bp, exports.bp, io.bp,
              projects.bp, admin.bp, api.bp, api_labels.bp, api_projects.bp, articles.bp, story_admin.bp]
