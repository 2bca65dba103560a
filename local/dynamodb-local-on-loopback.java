// DynamoDB Local, listening on 127.0.0.1 only. Its command line has no host option and its server
// accepts connections on every interface, which would open the local table (customer emails, the
// API key record) to the whole network. This starts the same server from the same jar, with the same
// arguments, after pointing its one connector at the loopback address. Run as a single source file.
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    var proxy = ServerRunner.createServerFromCommandLineArgs(args);
    var field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    for (var connector : ((Server) field.get(proxy)).getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
