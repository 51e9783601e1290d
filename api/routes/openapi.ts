import { Router } from 'express';
import { allow } from '../access/route-access';
import { openApiDocument } from '../openapi/openapi-document';
import { listRoutes } from '../route-table';

/**
 * The API's OpenAPI 3.1 document, public like the API's docs. Built on the first request from the app's
 * own route table (each route's access as it declares it), once the app has every route.
 */
export function openApiRouter(): Router {
  const router = Router();
  let document: object | undefined;
  router.get('/openapi.json', allow('public'), (req, res) => {
    document ??= openApiDocument(listRoutes(req.app));
    res.json(document);
  });
  return router;
}
