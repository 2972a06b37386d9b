/**
 * The {@code camel} command: runs the Camel JBang CLI from a plain classpath, as CamelJBangIT does with
 * {@code java -cp <the CLI's classpath> src/test/jbang/CamelJBang.java run ...} (Java's single-file source launcher).
 */
public class CamelJBang {

    public static void main(String... args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
