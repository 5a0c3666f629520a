package dev.pmc.kafka;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.pmc.stack.ServiceProcess;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A single-node Kafka broker in a container, through Testcontainers' KafkaContainer: the official apache/kafka image,
 * or the stand-in with the same interface that {@code bin/pmc images} builds where no registry answers (its name is
 * in the project's .env as PMC_KAFKA_IMAGE). Its port is published on 127.0.0.1 only. Only loaded when Testcontainers
 * is on the class path and a Docker engine answers; see {@link #available()}.
 */
public final class ContainerBroker implements TestBroker {
    static final int KAFKA_PORT = 9092; // the listener KafkaContainer publishes
    static final String OFFICIAL = "apache/kafka:" + org.apache.kafka.common.utils.AppInfoParser.getVersion();
    private final KafkaContainer container;
    private final String image;

    private ContainerBroker(String image) {
        this.image = image;
        this.container = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_HEAP_OPTS", "-Xmx512m")
                // published on the loopback interface only (Docker's default is every interface), on a port below the
                // ephemeral range (ServiceProcess.freePort: Docker's own pick may collide with an outgoing connection)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", ServiceProcess.freePort()), ExposedPort.tcp(KAFKA_PORT))));
    }

    /** The image to use when a Docker engine answers and has it (or can pull it); empty otherwise. */
    public static Optional<String> available() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) return Optional.empty();
            String image = configuredImage();
            var docker = DockerClientFactory.instance().client();
            try {
                docker.inspectImageCmd(image).exec();
                return Optional.of(image);
            } catch (RuntimeException notHere) {
                return Optional.empty(); // no pull from a test: bin/pmc images prepares it
            }
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** PMC_KAFKA_IMAGE from the environment or from the project's .env (written by bin/pmc images), else the official image. */
    static String configuredImage() {
        String env = System.getenv("PMC_KAFKA_IMAGE");
        if (env != null && !env.isBlank()) return env;
        Path dotEnv = ServiceProcess.projectRoot().resolve(".env");
        try {
            if (Files.isReadable(dotEnv)) {
                for (String line : Files.readAllLines(dotEnv)) {
                    if (line.startsWith("PMC_KAFKA_IMAGE=")) return line.substring("PMC_KAFKA_IMAGE=".length()).strip();
                }
            }
        } catch (IOException e) {
            // fall through to the official image
        }
        return OFFICIAL;
    }

    public static ContainerBroker start(String image) {
        ContainerBroker b = new ContainerBroker(image);
        b.container.start();
        return b;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + container.getMappedPort(KAFKA_PORT);
    }

    @Override
    public String describe() {
        return "Kafka container " + image + " (" + container.getContainerId().substring(0, 12) + ")";
    }

    @Override
    public void close() {
        container.stop(); // removes the container and its volumes (no Ryuk here to do it later)
    }
}
