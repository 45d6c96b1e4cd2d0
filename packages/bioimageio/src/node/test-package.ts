import { BioimageioError } from '../errors';
import { testModel, type Runners, type TestReport } from '../test-model';
import { openPackageSource } from './open-package';
import { bundledSchemaValidator } from './schema';

/** `testModel` on the package at a path (folder, YAML or zip), with the bundled schema. */
export async function testModelPackage(target: string, runners: Runners): Promise<TestReport> {
  let opened: Awaited<ReturnType<typeof openPackageSource>>;
  try {
    opened = await openPackageSource(target);
  } catch (e) {
    if (!(e instanceof BioimageioError)) throw e;
    return { status: 'failed', package: target, checks: [{ name: 'open package', status: 'failed', message: e.message, file: target }] };
  }
  return testModel(opened.source, runners, { validator: bundledSchemaValidator(), descriptionFile: opened.descriptionFile });
}
